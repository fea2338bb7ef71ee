// vggArgScope: slim's vgg_arg_scope (L2 weight decay, relu, SAME padding).
import { conv2d, fullyConnected } from '@tfslim/layers';
import {
  argScope,
  currentArgScope,
  l2Regularizer,
  zerosInitializer,
  type ArgScopeSnapshot,
} from '@tfslim/variables';
import { VggOptionsError } from './errors.js';

/** Options of {@link vggArgScope}. */
export interface VggArgScopeOptions {
  /** L2 weight decay on every conv and fully connected weights variable. Default 0.0005. */
  weightDecay?: number;
}

/**
 * The defaults VGG is trained with (slim's `vgg_arg_scope`): `conv2d` and `fullyConnected`
 * get ReLU, an L2 regularizer `weightDecay * sum(w^2) / 2` on their weights and zero biases;
 * `conv2d` pads SAME. Returns a snapshot to enter with `argScope(snapshot, body)`. The
 * snapshot also carries the arg scopes active where `vggArgScope` is called.
 *
 * @example
 * const { net } = argScope(vggArgScope({ weightDecay: 1e-4 }), () => vgg16(images));
 */
export function vggArgScope(options: VggArgScopeOptions = {}): ArgScopeSnapshot {
  if (options === null || typeof options !== 'object') {
    throw new VggOptionsError(
      `vggArgScope: expected an options object, got ${options === null ? 'null' : typeof options}. ` +
        'Write vggArgScope({ weightDecay: 0.0005 }).',
    );
  }
  const weightDecay = options.weightDecay ?? 0.0005;
  if (typeof weightDecay !== 'number' || !Number.isFinite(weightDecay) || weightDecay < 0) {
    throw new VggOptionsError(
      `vggArgScope: expected weightDecay a finite number >= 0, got ${String(weightDecay)}. ` +
        'Pass e.g. 0.0005, or 0 for no regularization.',
    );
  }
  return argScope(
    [conv2d, fullyConnected],
    {
      activation: 'relu',
      weightsRegularizer: l2Regularizer(weightDecay),
      biasesInitializer: zerosInitializer(),
    },
    () => argScope([conv2d], { padding: 'SAME' }, () => currentArgScope()),
  );
}
