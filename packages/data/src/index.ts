// Public surface of @tfslim/data (Node). index.browser.ts is the same with the browser's decoder.
export * from './surface.js';
export { decodeImage, imageDecoder } from './image-decode.js';
