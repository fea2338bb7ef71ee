// Public surface of @tfslim/summary: everything users may import is listed here.
export {};
