import { contextBridge } from 'electron'

contextBridge.exposeInMainWorld('dulcet', {})
