import { Inject } from '@nestjs/common';
import type { QueueName } from './jobs.js';

export const QUEUE_BACKEND = Symbol('QUEUE_BACKEND');
export const queueToken = (name: QueueName) => `sunlight:queue:${name}`;
/** Injects the TypedQueue of that name. */
export const InjectQueue = (name: QueueName) => Inject(queueToken(name));
