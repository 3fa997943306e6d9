import { problemText } from './api.js';
import { t } from './i18n/index.js';

/**
 * Shows one of the API's printable pages (a bulletin) in a new window: the page is fetched with the caller's token,
 * so no link can open it. The window opens before the fetch, while the click still allows a pop-up, and closes when
 * there is no page to show. Answers what went wrong, or nothing.
 */
export async function openPrintable(
  fetchPage: () => Promise<{ data?: unknown; error?: unknown }>,
): Promise<string> {
  const target = window.open('', '_blank');
  const { data, error } = await fetchPage();
  if (typeof data !== 'string') {
    target?.close();
    return problemText(error, t('error.generic'));
  }
  const url = URL.createObjectURL(new Blob([data], { type: 'text/html;charset=utf-8' }));
  if (target) target.location.href = url;
  else window.location.assign(url);
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return '';
}
