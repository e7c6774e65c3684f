/**
 * Adam with its state in named variables (so checkpoints hold it) and a learning rate given at each step
 * (so a live learning-rate scale applies at once).
 */
import * as tf from '@tensorflow/tfjs'

export class Adam {
  readonly m = new Map<string, tf.Variable>()
  readonly v = new Map<string, tf.Variable>()
  /** Updates applied so far (for bias correction). */
  t = 0

  constructor(
    readonly params: Map<string, tf.Variable>,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon = 1e-8
  ) {
    for (const [name, p] of params) {
      const z = tf.zeros(p.shape)
      this.m.set(name, tf.variable(z, false))
      this.v.set(name, tf.variable(z, false))
      z.dispose()
    }
  }

  /** grads keyed by our parameter names; parameters without a gradient are left alone. */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.t += 1
    const c1 = 1 - this.beta1 ** this.t
    const c2 = 1 - this.beta2 ** this.t
    for (const [name, g] of grads) {
      const p = this.params.get(name)
      const m = this.m.get(name)
      const v = this.v.get(name)
      if (!p || !m || !v) throw new Error(`Adam: unknown parameter ${name}`)
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1))
        const v1 = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2))
        m.assign(m1)
        v.assign(v1)
        const step = tf.div(tf.mul(m1, lr / c1), tf.add(tf.sqrt(tf.div(v1, c2)), this.epsilon))
        p.assign(tf.sub(p, step))
      })
    }
  }

  dispose(): void {
    for (const x of this.m.values()) x.dispose()
    for (const x of this.v.values()) x.dispose()
  }
}
