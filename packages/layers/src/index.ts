// Public surface of @tfslim/layers: everything users may import is listed here.
export {};
