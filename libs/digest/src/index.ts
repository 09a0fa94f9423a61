export * from './digest.module.js';
export * from './digests.js';
export * from './compose-digest.js';
export { DeliveryError } from './delivery.js';
export { browserHtml, CHART_HEIGHT, CHART_WIDTH, fluidSvg } from './charts.js';
export * from './labels.js';
