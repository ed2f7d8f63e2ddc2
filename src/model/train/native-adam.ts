/**
 * Adam (Kingma & Ba 2015, Alg. 1) as one libtensorflow `ResourceApplyAdam` kernel per weight.
 *
 * tfjs's `tf.train.adam` runs about fourteen elementwise kernels per weight per step; on tfjs-node
 * each is a separate eager op over the whole weight. For Table 1's 596k parameters the
 * weight-sized kernels of a batch-32 step, most of them Adam's, took ~14 ms of ~70 (tf.profile).
 * Keras runs the same update as one fused kernel.
 *
 * The moments m and v live in TensorFlow resource variables (tfjs-node passes resource handles
 * through as opaque tensors). The weights stay tfjs variables and remain the source of truth: each
 * step copies a weight into its resource (AssignVariableOp), updates it in place, and reads it
 * back (ReadVariableOp). So `setWeights`, checkpoint restores and anything else that writes the
 * model's weights between steps are honoured without bookkeeping.
 *
 * The update equals tfjs's Adam, which applies ε to the bias-corrected √v̂:
 * θ ← θ − α·m̂/(√v̂ + ε). TensorFlow's kernel computes θ ← θ − α_t·m/(√v + ε') with
 * α_t = α·√(1−β₂ᵗ)/(1−β₁ᵗ); the two agree when ε' = ε·√(1−β₂ᵗ), which this class passes.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { GalspinError } from '../../errors.ts';
import type { NativeBackend, OpAttr } from './native-backend.ts';
import { nativeBackend } from './native-training.ts';

type Tf = typeof tfjs;

interface Slot {
  weight: tfjs.Tensor; // resource handle
  m: tfjs.Tensor;
  v: tfjs.Tensor;
}

let resourceCounter = 0;

export class NativeAdamError extends GalspinError {
  override name = 'NativeAdamError';
}

const classes = new WeakMap<Tf, ReturnType<typeof nativeAdamClass>>();

/** A NativeAdam optimiser (its class extends the Optimizer of this `tf`, made once per module copy). */
export function nativeAdam(
  tf: Tf,
  learningRate: number,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon: number = tf.backend().epsilon(),
): tfjs.Optimizer {
  const b = nativeBackend(tf);
  if (b === undefined) throw new NativeAdamError('ResourceApplyAdam needs a libtensorflow backend');
  let NativeAdam = classes.get(tf);
  if (NativeAdam === undefined) {
    NativeAdam = nativeAdamClass(tf);
    classes.set(tf, NativeAdam);
  }
  return new NativeAdam(b, learningRate, beta1, beta2, epsilon);
}

function nativeAdamClass(tf: Tf) {
  return class NativeAdam extends tf.Optimizer {
    static className = 'Adam';
    private readonly slots = new Map<string, Slot>();

    constructor(
      private readonly b: NativeBackend,
      public learningRate: number,
      public beta1: number,
      public beta2: number,
      public epsilon: number,
    ) {
      super();
    }

    private attrType(name: string, value = this.b.binding.TF_FLOAT): OpAttr {
      return { name, type: this.b.binding.TF_ATTR_TYPE, value };
    }

    private resource(shape: number[], init: tfjs.Tensor): tfjs.Tensor {
      const handle = this.b.executeSingleOutput(
        'VarHandleOp',
        [
          { name: 'container', type: this.b.binding.TF_ATTR_STRING, value: '' },
          {
            name: 'shared_name',
            type: this.b.binding.TF_ATTR_STRING,
            value: `galspin_adam_${process.pid}_${++resourceCounter}`,
          },
          this.attrType('dtype'),
          { name: 'shape', type: this.b.binding.TF_ATTR_SHAPE, value: shape },
        ],
        [],
      );
      this.assign(handle, init);
      // Slots outlive the tidy scope of the step that creates them.
      return tf.keep(handle);
    }

    private assign(handle: tfjs.Tensor, value: tfjs.Tensor): void {
      this.b.executeMultipleOutputs('AssignVariableOp', [this.attrType('dtype')], [handle, value], 0);
    }

    private slotFor(name: string, value: tfjs.Tensor): Slot {
      let slot = this.slots.get(name);
      if (slot === undefined) {
        const zeros = tf.zerosLike(value);
        slot = {
          weight: this.resource(value.shape, zeros),
          m: this.resource(value.shape, zeros),
          v: this.resource(value.shape, zeros),
        };
        zeros.dispose();
        this.slots.set(name, slot);
      }
      return slot;
    }

    override applyGradients(grads: tfjs.NamedTensorMap | { name: string; tensor: tfjs.Tensor }[]): void {
      const list = Array.isArray(grads)
        ? grads
        : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));
      const t = this.iterations + 1;
      tf.tidy(() => {
        const scalars = [
          tf.scalar(this.beta1 ** t),
          tf.scalar(this.beta2 ** t),
          tf.scalar(this.learningRate),
          tf.scalar(this.beta1),
          tf.scalar(this.beta2),
          tf.scalar(this.epsilon * Math.sqrt(1 - this.beta2 ** t)),
        ];
        const attrs: OpAttr[] = [
          this.attrType('T'),
          { name: 'use_locking', type: this.b.binding.TF_ATTR_BOOL, value: false },
          { name: 'use_nesterov', type: this.b.binding.TF_ATTR_BOOL, value: false },
        ];
        for (const { name, tensor: grad } of list) {
          if (grad == null) continue;
          const variable = tf.engine().registeredVariables[name];
          if (variable === undefined) throw new NativeAdamError(`no variable named ${name}`);
          const slot = this.slotFor(name, variable);
          this.assign(slot.weight, variable);
          this.b.executeMultipleOutputs(
            'ResourceApplyAdam',
            attrs,
            [slot.weight, slot.m, slot.v, ...scalars, grad],
            0,
          );
          variable.assign(this.read(slot.weight));
        }
      });
      this.incrementIterations();
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return {
        learningRate: this.learningRate,
        beta1: this.beta1,
        beta2: this.beta2,
        epsilon: this.epsilon,
      };
    }

    private read(handle: tfjs.Tensor): tfjs.Tensor {
      return this.b.executeSingleOutput('ReadVariableOp', [this.attrType('dtype')], [handle]);
    }

    /** tfjs Adam's layout: iterations, then every `<weight>/m`, then every `<weight>/v`. */
    override async getWeights(): Promise<{ name: string; tensor: tfjs.Tensor }[]> {
      const names = [...this.slots.keys()];
      return [
        await this.saveIterations(),
        ...names.map((n) => ({ name: `${n}/m`, tensor: this.read((this.slots.get(n) as Slot).m) })),
        ...names.map((n) => ({ name: `${n}/v`, tensor: this.read((this.slots.get(n) as Slot).v) })),
      ];
    }

    override async setWeights(weights: { name: string; tensor: tfjs.Tensor }[]): Promise<void> {
      const rest = await this.extractIterations(weights);
      const half = rest.length / 2;
      for (let i = 0; i < half; i++) {
        const name = rest[i].name.replace(/\/m$/, '');
        const variable = tf.engine().registeredVariables[name];
        if (variable === undefined) throw new NativeAdamError(`no variable named ${name}`);
        const slot = this.slotFor(name, variable);
        this.assign(slot.m, rest[i].tensor);
        this.assign(slot.v, rest[half + i].tensor);
      }
    }

    override dispose(): void {
      for (const slot of this.slots.values()) {
        for (const h of [slot.weight, slot.m, slot.v]) {
          this.b.executeMultipleOutputs(
            'DestroyResourceOp',
            [{ name: 'ignore_lookup_error', type: this.b.binding.TF_ATTR_BOOL, value: true }],
            [h],
            0,
          );
          h.dispose();
        }
      }
      this.slots.clear();
      super.dispose();
    }
  };
}
