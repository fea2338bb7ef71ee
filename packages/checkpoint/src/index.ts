// Public surface of @tfslim/checkpoint: everything users may import is listed here.
export {};
