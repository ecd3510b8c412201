import { createUuidV7 } from '../product/uuid-v7.js'

/** What every event id starts with: `evt_` and 32 hex digits of a time-ordered UUID. */
export const EVENT_ID_PREFIX = 'evt_'

/** What every delivery id (the `webhook-id` header) starts with, followed as event ids are. */
export const DELIVERY_ID_PREFIX = 'msg_'

const nextUuid = createUuidV7()

/** A fresh event id: {@link EVENT_ID_PREFIX} and a time-ordered UUID without dashes. */
export function newEventId(): string {
  return `${EVENT_ID_PREFIX}${nextUuid().replaceAll('-', '')}`
}

/** A fresh delivery id: {@link DELIVERY_ID_PREFIX} and a time-ordered UUID without dashes. */
export function newDeliveryId(): string {
  return `${DELIVERY_ID_PREFIX}${nextUuid().replaceAll('-', '')}`
}
