/** The engine's name and version, as reported in results, the User-Agent and the report footer. */
export const ENGINE_NAME = 'sweep-insights';
export const ENGINE_VERSION = '0.1.0';
