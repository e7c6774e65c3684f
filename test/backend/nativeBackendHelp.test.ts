import { describe, expect, it } from 'vitest'
import { explainLoadFailure, explainNoGpuDevice, explainNotInstalled } from '../../src/engine/nativeBackendHelp.ts'

// The load errors below are the messages Node and the OS loaders give for these failures.
const linux = { platform: 'linux', arch: 'x64' } as const
const windows = { platform: 'win32', arch: 'x64' } as const
const mac = { platform: 'darwin', arch: 'arm64' } as const
const gpu = '@tensorflow/tfjs-node-gpu'

function dlopenError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_DLOPEN_FAILED' })
}

describe('native backend explanations', () => {
  it('names the missing CUDA piece and how to install it on Linux', () => {
    const cudart = explainLoadFailure(gpu, dlopenError('libcudart.so.11.0: cannot open shared object file: No such file or directory'), linux)
    expect(cudart.reason).toContain('CUDA 11.2 runtime is missing (libcudart.so.11.0 not found)')
    expect(cudart.fix).toMatch(/install CUDA 11\.2 .*not 12.*LD_LIBRARY_PATH/)

    const cublas = explainLoadFailure(gpu, dlopenError('libcublasLt.so.11: cannot open shared object file: No such file or directory'), linux)
    expect(cublas.reason).toContain('a CUDA 11 library is missing (libcublasLt.so.11 not found)')

    const driver = explainLoadFailure(gpu, dlopenError('libcuda.so.1: cannot open shared object file: No such file or directory'), linux)
    expect(driver.reason).toContain('NVIDIA driver is missing')
    expect(driver.fix).toMatch(/install the NVIDIA driver/)
  })

  it('explains Windows DLL errors, which name no DLL', () => {
    const msg = 'The specified module could not be found.\r\n\\\\?\\C:\\app\\node_modules\\@tensorflow\\tfjs-node-gpu\\lib\\napi-v8\\tfjs_binding.node'
    const e = explainLoadFailure(gpu, dlopenError(msg), windows)
    expect(e.reason).toContain('a DLL that @tensorflow/tfjs-node-gpu needs is missing')
    expect(e.fix).toMatch(/CUDA 11\.2 and cuDNN 8\.1 .*PATH.*Visual C\+\+/)
    const cudnn = explainLoadFailure(gpu, dlopenError('cudnn64_8.dll not found'), windows)
    expect(cudnn.fix).toMatch(/CUDA\\v11\.2\\bin/)
  })

  it('tells an unfinished install, a wrong Node/Electron build and an old glibc apart', () => {
    const notBuilt = explainLoadFailure('@tensorflow/tfjs-node', Object.assign(new Error("Cannot find module '/app/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'"), { code: 'MODULE_NOT_FOUND' }), linux)
    expect(notBuilt.reason).toMatch(/install step did not finish/)
    expect(notBuilt.fix).toMatch(/npm rebuild @tensorflow\/tfjs-node/)

    const abi = explainLoadFailure(gpu, dlopenError('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 139.'), linux)
    expect(abi.fix).toMatch(/electron-builder install-app-deps/)

    const glibc = explainLoadFailure(gpu, dlopenError("/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.29' not found (required by /app/deps/lib/libtensorflow.so.2)"), linux)
    expect(glibc.reason).toContain('(GLIBC_2.29)')
  })

  it('says there is no GPU build on macOS or ARM, whatever the error', () => {
    const e = explainLoadFailure(gpu, dlopenError('dlopen(tfjs_binding.node): Library not loaded: @rpath/libtensorflow.2.dylib'), mac)
    expect(e.reason).toContain('no GPU build of TensorFlow.js for macOS')
    expect(explainNotInstalled(gpu, { platform: 'linux', arch: 'arm64' }).reason).toContain('linux arm64')
    expect(explainNotInstalled(gpu, linux).fix).toContain('npm install @tensorflow/tfjs-node-gpu')
  })

  it('explains a GPU package that loaded without finding a GPU', () => {
    expect(explainNoGpuDevice(linux).reason).toMatch(/found no usable NVIDIA GPU/)
    expect(explainNoGpuDevice(windows).fix).toMatch(/PATH/)
  })
})
