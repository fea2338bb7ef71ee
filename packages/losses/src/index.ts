// Public surface of @tfslim/losses: everything users may import is listed here.
export {};
