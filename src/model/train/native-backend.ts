/** The slice of tfjs-node's native kernel backend that galspin's fused training kernels call. */
import type * as tfjs from '@tensorflow/tfjs';

export interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

/** The slice of tfjs-node's NodeJSKernelBackend this module uses. */
export interface NativeBackend {
  binding: {
    TF_ATTR_TYPE: number;
    TF_ATTR_FLOAT: number;
    TF_ATTR_STRING: number;
    TF_ATTR_BOOL: number;
    TF_ATTR_SHAPE: number;
    TF_ATTR_INT: number;
    TF_FLOAT: number;
  };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tfjs.Tensor[]): tfjs.Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tfjs.Tensor[], n: number): tfjs.Tensor[];
}
