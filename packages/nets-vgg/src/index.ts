// Public surface of @tfslim/nets-vgg: everything users may import is listed here.
export {};
