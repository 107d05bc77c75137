#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so `npx trove` works straight from a checkout.
import { register } from 'tsx/esm/api';

register();
await import('../server/main.ts');
