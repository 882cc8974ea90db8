#!/usr/bin/env node
// Runs the TypeScript entry point through tsx so the command works straight after `npm install`.
import { register } from 'tsx/esm/api'

register()
await import('../src/bot/main.ts')
