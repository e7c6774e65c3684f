import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeDirAtomic, writeFileAtomic } from '../../src/engine/train/fsAtomic.ts'

describe('atomic run-folder writes', () => {
  it('a folder whose writing fails leaves nothing behind; a replaced folder is whole, old or new', async () => {
    const root = await mkdtemp(join(tmpdir(), 'dulcet-atomic-'))
    const target = join(root, 'checkpoints', '10')
    await expect(
      writeDirAtomic(target, async (tmp) => {
        await writeFile(join(tmp, 'tensors.json'), '{}')
        throw new Error('disk full')
      })
    ).rejects.toThrow('disk full')
    expect(await readdir(join(root, 'checkpoints'))).toEqual([])

    await writeDirAtomic(target, async (tmp) => writeFile(join(tmp, 'a.txt'), 'old'))
    await writeDirAtomic(target, async (tmp) => writeFile(join(tmp, 'b.txt'), 'new'))
    expect(await readdir(target)).toEqual(['b.txt'])
    expect(await readdir(join(root, 'checkpoints'))).toEqual(['10'])

    await writeFileAtomic(join(root, 'config.json'), '{"steps":1}')
    await writeFileAtomic(join(root, 'config.json'), '{"steps":2}')
    expect(await readFile(join(root, 'config.json'), 'utf8')).toBe('{"steps":2}')
    expect((await readdir(root)).sort()).toEqual(['checkpoints', 'config.json'])
  })
})
