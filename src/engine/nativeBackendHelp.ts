/**
 * Plain-words explanations for why a native TensorFlow backend (@tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node)
 * could not be used, and what the user can do about it. Pure functions of the error and the platform.
 *
 * tfjs-node(-gpu) 4.22 ships libtensorflow 2.9.1. The GPU build needs Linux or Windows on x64, an NVIDIA driver,
 * CUDA 11.2 and cuDNN 8.1; there is no GPU build for macOS or ARM.
 */

export type NativePackage = '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'

export interface Explanation {
  reason: string
  fix?: string
}

export interface PlatformInfo {
  platform: NodeJS.Platform
  arch: string
}

export const GPU_REQUIREMENTS = 'an NVIDIA GPU with its driver, CUDA 11.2 and cuDNN 8.1 (Linux or Windows, x64)'

const INSTALL_GPU = 'npm install @tensorflow/tfjs-node-gpu'

function gpuBuildExists(p: PlatformInfo): boolean {
  return (p.platform === 'linux' || p.platform === 'win32') && p.arch === 'x64'
}

function noGpuBuild(p: PlatformInfo): Explanation {
  const where = p.platform === 'darwin' ? 'macOS' : `${p.platform} ${p.arch}`
  return {
    reason: `there is no GPU build of TensorFlow.js for ${where}`,
    fix:
      'GPU training needs Linux or Windows on x64 with an NVIDIA GPU. Here Dulcet runs on the CPU; ' +
      '`npm install @tensorflow/tfjs-node` may give faster CPU training than wasm where its build exists.'
  }
}

function libPathHint(p: PlatformInfo): string {
  return p.platform === 'win32'
    ? 'add its bin folder to PATH (e.g. C:\\Program Files\\NVIDIA GPU Computing Toolkit\\CUDA\\v11.2\\bin)'
    : 'add its library folder to LD_LIBRARY_PATH (e.g. /usr/local/cuda-11.2/lib64)'
}

export function explainNotInstalled(pkg: NativePackage, p: PlatformInfo): Explanation {
  if (pkg === '@tensorflow/tfjs-node') {
    return {
      reason: '@tensorflow/tfjs-node (native CPU backend) is not installed',
      fix: 'optional: `npm install @tensorflow/tfjs-node` for faster CPU training (its install step downloads libtensorflow)'
    }
  }
  if (!gpuBuildExists(p)) return { reason: `@tensorflow/tfjs-node-gpu is not installed, and ${noGpuBuild(p).reason}`, fix: noGpuBuild(p).fix }
  return {
    reason: '@tensorflow/tfjs-node-gpu is not installed',
    fix: `to train on an NVIDIA GPU, install the NVIDIA driver, CUDA 11.2 and cuDNN 8.1, then run \`${INSTALL_GPU}\` in the Dulcet checkout (its install step downloads libtensorflow 2.9.1); installers built after that include it`
  }
}

/** The shared library a dlopen/LoadLibrary error names, if any. */
function missingLibrary(message: string): string | undefined {
  const unix = /([\w.+-]+\.so(?:\.\d+)*): cannot open shared object file/.exec(message)
  if (unix) return unix[1]
  const mac = /Library not loaded: (\S+)/.exec(message)
  if (mac) return mac[1]
  const dll = /([\w.-]+\.dll)/i.exec(message)
  return dll?.[1]
}

function rebuildFix(pkg: NativePackage): string {
  return `run \`npm rebuild ${pkg}\` with internet access (it downloads libtensorflow 2.9.1), or reinstall it with \`npm install ${pkg}\``
}

/** Why `require(pkg)` threw. */
export function explainLoadFailure(pkg: NativePackage, error: unknown, p: PlatformInfo): Explanation {
  const message = error instanceof Error ? error.message : String(error)
  const first = message.split('\n')[0]
  const gpu = pkg === '@tensorflow/tfjs-node-gpu'
  if (gpu && !gpuBuildExists(p)) return { reason: `${pkg} is installed but cannot load: ${noGpuBuild(p).reason}`, fix: noGpuBuild(p).fix }
  const lib = missingLibrary(message)
  const libText = lib ? ` (${lib} not found)` : ''

  if (/libcuda\.so|nvcuda\.dll/i.test(message)) {
    return {
      reason: `${pkg} cannot load: the NVIDIA driver is missing${libText}`,
      fix: 'install the NVIDIA driver for your GPU (450.80.02 or newer on Linux, 452.39 or newer on Windows, as CUDA 11.2 needs), then restart'
    }
  }
  if (/libcudart|cudart64_/i.test(message)) {
    return {
      reason: `${pkg} cannot load: the CUDA 11.2 runtime is missing${libText}`,
      fix: `install CUDA 11.2 (tfjs-node-gpu 4.22 needs exactly CUDA 11.x, not 12) and ${libPathHint(p)}`
    }
  }
  if (/libcudnn|cudnn64_/i.test(message)) {
    return {
      reason: `${pkg} cannot load: cuDNN 8 is missing${libText}`,
      fix: `install cuDNN 8.1 for CUDA 11.x (Debian/Ubuntu: the libcudnn8 package from NVIDIA's repository) and ${libPathHint(p)}`
    }
  }
  if (/libcu(blas|blasLt|fft|rand|solver|sparse)|cu(blas|blasLt|fft|rand|solver|sparse)64_/i.test(message)) {
    return {
      reason: `${pkg} cannot load: a CUDA 11 library is missing${libText}`,
      fix: `install the full CUDA 11.2 toolkit (cuBLAS, cuFFT, cuRAND, cuSOLVER, cuSPARSE) and ${libPathHint(p)}`
    }
  }
  if (/NODE_MODULE_VERSION|compiled against a different Node\.js version/.test(message)) {
    return {
      reason: `${pkg}'s native binding was built for a different Node.js or Electron version`,
      fix: `run \`npm rebuild ${pkg}\` (for the desktop app: \`npx electron-builder install-app-deps\`)`
    }
  }
  if (/GLIBC_|GLIBCXX_|CXXABI_/.test(message)) {
    const version = /`?((?:GLIBC|GLIBCXX|CXXABI)_[\d.]+)'? not found/.exec(message)?.[1] ?? 'a newer glibc/libstdc++'
    return {
      reason: `${pkg} needs a newer system C/C++ library than this system has (${version})`,
      fix: 'use a newer Linux distribution (Ubuntu 20.04 or later works), or keep the wasm backend'
    }
  }
  if (/invalid ELF header|wrong ELF class|not a valid Win32 application|incompatible architecture|mach-o/i.test(message)) {
    return { reason: `${pkg}'s native binary is for another platform or CPU`, fix: `reinstall it on this machine: \`npm rebuild ${pkg}\`` }
  }
  // Windows names no DLL: the path in the message is the binding that failed, not the missing file.
  if (/The specified module could not be found|error 126/i.test(message)) {
    return {
      reason: `a DLL that ${pkg} needs is missing${libText}`,
      fix: gpu
        ? 'install CUDA 11.2 and cuDNN 8.1 and add their bin folders to PATH; also install the Microsoft Visual C++ 2015-2022 Redistributable (x64)'
        : 'install the Microsoft Visual C++ 2015-2022 Redistributable (x64), then ' + rebuildFix(pkg)
    }
  }
  if (/libtensorflow|tensorflow\.dll/i.test(message) || /tfjs_binding\.node/.test(message)) {
    return { reason: `${pkg} is installed but its TensorFlow library is missing: its install step did not finish${libText}`, fix: rebuildFix(pkg) }
  }
  if (lib) {
    return {
      reason: `a shared library ${pkg} needs is missing (${lib} not found)`,
      fix: gpu ? `install ${GPU_REQUIREMENTS} and make their libraries findable` : rebuildFix(pkg)
    }
  }
  return { reason: `${pkg} failed to load: ${first}`, fix: gpu ? `check that ${GPU_REQUIREMENTS} are installed, then ${rebuildFix(pkg)}` : rebuildFix(pkg) }
}

/** tfjs-node-gpu loaded, but TensorFlow registered no GPU device (it then runs on the CPU). */
export function explainNoGpuDevice(p: PlatformInfo): Explanation {
  return {
    reason:
      '@tensorflow/tfjs-node-gpu loaded, but TensorFlow found no usable NVIDIA GPU (no driver, or the CUDA 11.2 / cuDNN 8.1 ' +
      'libraries were not found: TensorFlow names the missing library in its log)',
    fix: `install ${GPU_REQUIREMENTS}, and ${libPathHint(p)}`
  }
}
