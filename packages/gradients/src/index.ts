// Public surface of @tfslim/gradients: everything users may import is listed here.
export { registerGradients, missingGradients, TRAINING_KERNELS } from './register.js';
export { GradientContractError, GradientInputError } from './errors.js';
