/**
 * How many events an endpoint turned off by hand keeps waiting: they are sent, signed as
 * usual, when it is turned on again; events past this many are not kept. The first events of
 * a pause stay (a receiver catching up needs the start of the story; an export gives the
 * current state). An endpoint the dispatcher turned off (a 410, failures in a row) keeps
 * none, and per-row import events are never kept while off.
 */
export const PAUSED_ENDPOINT_EVENTS_KEPT = 1000
