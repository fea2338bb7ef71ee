// Public surface of @tfslim/learning: everything users may import is listed here.
export {};
