import { CATEGORIES, type CatalogEntry, DEFAULT_PUBLIC_CATEGORY_CODES } from '../domain/catalog.js';

/**
 * The town's Open311 services: the public categories of the catalogue, each with a group and keywords, and one
 * attribute in every service definition, the petitioner's consent to publish the description. Texts carry Chinese
 * first and English after, so that any client shows both.
 */

const bilingual = (zh: string, en: string): string => `${zh} ${en}`;

const GROUPS = {
  village: { zh: '邻里与村务', en: 'Neighbourhood and village' },
  construction: { zh: '农村建设与环境', en: 'Rural construction and environment' },
} as const;

interface ServiceText {
  group: keyof typeof GROUPS;
  description: { zh: string; en: string };
  keywords: string;
}

const SERVICE_TEXT: Record<string, ServiceText> = {
  neighbor: {
    group: 'village',
    description: {
      zh: '通行、采光、排水、滴水等相邻关系纠纷',
      en: 'Disputes between neighbours over access, light, drainage or eaves',
    },
    keywords: '相邻, 通行, 采光, 排水, neighbour, access, light, drainage',
  },
  village_affairs: {
    group: 'village',
    description: {
      zh: '村务公开、集体资产、村委会决策等事项',
      en: 'Village affairs: openness, collective assets, decisions of the village committee',
    },
    keywords: '村务公开, 集体资产, 村委会, village committee, collective assets',
  },
  rural_construction: {
    group: 'construction',
    description: {
      zh: '村内道路、桥梁、水利设施、危房等建设问题',
      en: 'Village roads, bridges, irrigation works, unsafe buildings',
    },
    keywords: '道路, 桥梁, 水利, 危房, road, bridge, irrigation, building',
  },
  environment: {
    group: 'construction',
    description: {
      zh: '噪声、污水、垃圾、异味等环境污染',
      en: 'Pollution: noise, sewage, rubbish, odours',
    },
    keywords: '污染, 噪声, 污水, 垃圾, pollution, noise, sewage, rubbish',
  },
};

export interface Open311Service {
  code: string;
  category: CatalogEntry;
  text: ServiceText;
}

const SERVICES: readonly Open311Service[] = CATEGORIES.flatMap((category) => {
  const text = SERVICE_TEXT[category.code];
  return DEFAULT_PUBLIC_CATEGORY_CODES.includes(category.code) && text
    ? [{ code: category.code, category, text }]
    : [];
});

export const SERVICE_CODES: readonly string[] = SERVICES.map((s) => s.code);

export const serviceOf = (code: string): Open311Service | undefined => SERVICES.find((s) => s.code === code);

export const serviceName = (service: Open311Service): string =>
  bilingual(service.category.zh, service.category.en);

/** GET services: every service is realtime (the request id comes back at once) and has a definition. */
export const serviceList = () =>
  SERVICES.map((service) => ({
    service_code: service.code,
    service_name: serviceName(service),
    description: bilingual(service.text.description.zh, service.text.description.en),
    metadata: true,
    type: 'realtime',
    keywords: service.text.keywords,
    group: bilingual(GROUPS[service.text.group].zh, GROUPS[service.text.group].en),
  }));

/** The attribute that carries the petitioner's consent: `attribute[public_description]=true`. */
export const CONSENT_ATTRIBUTE = 'public_description';

/** GET services/{code}: the consent attribute, optional, the description private unless it says `true`. */
export const serviceDefinition = (service: Open311Service) => ({
  service_code: service.code,
  attributes: [
    {
      variable: true,
      code: CONSENT_ATTRIBUTE,
      datatype: 'singlevaluelist',
      required: false,
      datatype_description: bilingual('不选即不公开', 'Private unless chosen'),
      order: 1,
      description: bilingual(
        '是否同意公开问题描述？不同意时只公开类别、大致位置和办理状态。请勿在描述中填写姓名、电话等个人信息。',
        'May the description be shown publicly? If not, only the category, approximate location and status are. ' +
          'Please leave names and phone numbers out of the description.',
      ),
      values: [
        { key: 'true', name: bilingual('同意公开', 'Yes, publish it') },
        { key: 'false', name: bilingual('不公开', 'No, keep it private') },
      ],
    },
  ],
});

/** When what the endpoint offers last changed: clients compare it to know whether to read the services again. */
const CHANGESET = '2026-11-28T00:00:00Z';

/** The specification's service discovery document: where the GeoReport v2 endpoint is and what it speaks. */
export const discovery = (baseUrl: string) => ({
  changeset: CHANGESET,
  contact: '请联系本镇信访办（综治中心）。Contact the town’s petition office.',
  key_service: '由本镇管理员签发 api_key。An api_key is issued by the town’s administrator.',
  endpoints: [
    {
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: `${baseUrl}/open311/v2`,
      changeset: CHANGESET,
      type: 'production',
      formats: ['text/xml', 'application/json'],
    },
  ],
});
