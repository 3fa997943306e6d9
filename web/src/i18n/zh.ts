export const zh = {
  'app.title': '信访工作台',
  'app.loading': '正在加载…',
  'app.configError': '无法读取站点配置：{detail}',
  'lang.switch': 'English',
  'lang.label': '界面语言',
  'track.title': '信访事项查询',
} as const;

export type MessageKey = keyof typeof zh;
