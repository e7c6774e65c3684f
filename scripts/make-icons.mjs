#!/usr/bin/env node
// Renders every icon the installers need from the one source image, build/icon.svg:
//   build/icons/<N>x<N>.png  Linux icon set (AppImage, deb), N = 16 ... 1024
//   build/icon.png           1024 px
//   build/icon.ico           Windows (NSIS, exe): PNG entries 16 ... 256
//   build/icon.icns          macOS (app, DMG): PNG entries 16 ... 1024
// electron-builder would otherwise convert a PNG to .ico/.icns with a toolset it downloads at build time;
// writing the containers here keeps `npm run dist` offline for icons. Outputs are ignored by git (build/.gitignore).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Resvg } from '@resvg/resvg-js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const buildDir = join(root, 'build')

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
// ICNS element types holding PNG data, and the pixel size each holds.
export const ICNS_TYPES = [
  ['icp4', 16], ['icp5', 32], ['icp6', 64], ['ic07', 128], ['ic08', 256], ['ic09', 512],
  ['ic10', 1024], ['ic11', 32], ['ic12', 64], ['ic13', 256], ['ic14', 512]
]

async function writeAtomic(file, data) {
  await mkdir(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, data)
  await rename(tmp, file)
}

export function renderPng(svg, size) {
  return Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng())
}

/** An ICO file whose entries are PNG images (Windows Vista and later). */
export function icoFromPngs(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2)
  header.writeUInt16LE(pngs.length, 4)
  let offset = header.length
  pngs.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i
    header.writeUInt8(size >= 256 ? 0 : size, e)
    header.writeUInt8(size >= 256 ? 0 : size, e + 1)
    header.writeUInt16LE(1, e + 4)
    header.writeUInt16LE(32, e + 6)
    header.writeUInt32LE(data.length, e + 8)
    header.writeUInt32LE(offset, e + 12)
    offset += data.length
  })
  return Buffer.concat([header, ...pngs.map((p) => p.data)])
}

/** An ICNS file of PNG elements. */
export function icnsFromPngs(elements) {
  const parts = elements.map(({ type, data }) => {
    const head = Buffer.alloc(8)
    head.write(type, 0, 'ascii')
    head.writeUInt32BE(data.length + 8, 4)
    return Buffer.concat([head, data])
  })
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'ascii')
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4)
  return Buffer.concat([head, ...parts])
}

export async function makeIcons() {
  const svg = await readFile(join(buildDir, 'icon.svg'))
  const sizes = [...new Set([...LINUX_SIZES, ...ICO_SIZES, ...ICNS_TYPES.map(([, s]) => s)])]
  const png = new Map(sizes.map((s) => [s, renderPng(svg, s)]))
  await Promise.all(LINUX_SIZES.map((s) => writeAtomic(join(buildDir, 'icons', `${s}x${s}.png`), png.get(s))))
  await writeAtomic(join(buildDir, 'icon.png'), png.get(1024))
  await writeAtomic(join(buildDir, 'icon.ico'), icoFromPngs(ICO_SIZES.map((size) => ({ size, data: png.get(size) }))))
  await writeAtomic(join(buildDir, 'icon.icns'), icnsFromPngs(ICNS_TYPES.map(([type, s]) => ({ type, data: png.get(s) }))))
  return { linux: LINUX_SIZES.length, ico: ICO_SIZES.length, icns: ICNS_TYPES.length }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const n = await makeIcons()
  console.log(`icons: ${n.linux} PNGs in build/icons, build/icon.ico (${n.ico} sizes), build/icon.icns (${n.icns} elements)`)
}
