import type { DulcetApi } from './api.ts'

declare global {
  interface Window {
    /** Present in Electron (the preload); absent in a plain browser, where createWebClient() is used. */
    dulcet?: DulcetApi
  }
}
