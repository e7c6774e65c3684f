/**
 * The wasm backend of tfjs 4.22 has no `Conv2DBackpropFilter` kernel, so conv weights (conv1d and conv2d) cannot
 * train on it. The filter gradient is itself a forward convolution:
 *
 *   dW[kh, kw, ci, co] = sum_{b, oh, ow} x[b, oh*sh + kh - padTop, ow*sw + kw - padLeft, ci] * dy[b, oh, ow, co]
 *
 * which is conv2d(x', dy') with x' = x transposed to [ci, H, W, b] (channels become the batch, the batch becomes the
 * input channels), dy' = dy transposed to [OH, OW, b, co] as the filter, stride 1 and dilation = the forward stride.
 * The result [ci, kh, kw, co] is transposed back to [kh, kw, ci, co].
 *
 * Everything runs on the wasm backend's own kernels (no engine tensors), and every intermediate is freed here.
 * The incoming TensorInfos belong to the engine: they are never wrapped in tensors (that would free them).
 */
import {
  backend_util,
  Conv2D,
  Conv2DBackpropFilter,
  getKernel,
  registerKernel,
  Slice,
  Transpose,
  type Conv2DBackpropFilterAttrs,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo
} from '@tensorflow/tfjs'

type Shape4 = [number, number, number, number]

interface WasmBackendLike {
  disposeData(dataId: object): boolean
}

function wasmKernel(name: string): KernelFunc {
  const k = getKernel(name, 'wasm')
  if (!k) throw new Error(`the wasm backend has no ${name} kernel`)
  return k.kernelFunc
}

function run(name: string, backend: WasmBackendLike, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap): TensorInfo {
  const out = wasmKernel(name)({ inputs, backend, attrs })
  if (Array.isArray(out)) throw new Error(`${name} returned several outputs`)
  return out
}

const conv2dBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${dataFormat}`)
  const wasm = backend as WasmBackendLike
  const info = backend_util.computeConv2DInfo(x.shape as Shape4, filterShape, strides, 1, pad, dimRoundingMode)
  const [batch, inH, inW, inC] = x.shape as Shape4
  const [, outH, outW] = dy.shape as Shape4
  const { top, left } = info.padInfo
  const sh = info.strideHeight
  const sw = info.strideWidth
  // Padding after the input that the forward conv read; negative when its last rows/columns were never read.
  const bottom = info.filterHeight + (outH - 1) * sh - inH - top
  const right = info.filterWidth + (outW - 1) * sw - inW - left

  const temps: TensorInfo[] = []
  const keep = (t: TensorInfo): TensorInfo => {
    temps.push(t)
    return t
  }
  try {
    let xUsed = x
    if (bottom < 0 || right < 0) {
      const size = [batch, inH + Math.min(bottom, 0), inW + Math.min(right, 0), inC]
      xUsed = keep(run(Slice, wasm, { x }, { begin: [0, 0, 0, 0], size }))
    }
    const xT = keep(run(Transpose, wasm, { x: xUsed }, { perm: [3, 1, 2, 0] }))
    const dyT = keep(run(Transpose, wasm, { x: dy }, { perm: [1, 2, 0, 3] }))
    const explicitPad = [
      [0, 0],
      [top, Math.max(bottom, 0)],
      [left, Math.max(right, 0)],
      [0, 0]
    ]
    const convAttrs = { strides: [1, 1], dilations: [sh, sw], pad: explicitPad, dataFormat: 'NHWC' }
    const dw = keep(run(Conv2D, wasm, { x: xT, filter: dyT }, convAttrs))
    return run(Transpose, wasm, { x: dw }, { perm: [1, 2, 0, 3] })
  } finally {
    for (const t of temps) wasm.disposeData(t.dataId)
  }
}

/** Registers the kernel once per process (no-op when wasm already has one, e.g. a later tfjs). */
export function registerWasmConvGradients(): void {
  if (getKernel(Conv2DBackpropFilter, 'wasm')) return
  registerKernel({ kernelName: Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2dBackpropFilterWasm })
}
