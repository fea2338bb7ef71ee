// Public surface of @tfslim/data in browsers (the `browser` export condition): index.ts's names,
// images decoded by the browser (no jpeg-js, pngjs or Node built-in).
export * from './surface.js';
export { decodeImage, imageDecoder } from './image-decode.browser.js';
