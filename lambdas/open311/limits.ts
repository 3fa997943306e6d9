/** What one client app (`api_key`) may file in a minute: one app cannot crowd out the others behind the gateway. */
export const FILINGS_PER_KEY_PER_MINUTE = 30;
