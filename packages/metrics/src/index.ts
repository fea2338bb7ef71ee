// Public surface of @tfslim/metrics: everything users may import is listed here.
export {};
