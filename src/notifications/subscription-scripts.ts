import { LuaCommand } from '../store/lua-command.js';

/**
 * Creates a subscription unless its owner already holds the maximum (SPEC §5), in one atomic step:
 * concurrent creates by one subject cannot pass the limit together.
 *
 * KEYS: 1 subscriptions hash, 2 subscriptions version (incremented on a create)
 * ARGV: 1 owner, 2 limit, 3 subscription id, 4 subscription JSON, 5 the channel told of the change
 * (the subscription id is published on it; a Redis ACL that refuses the channel leaves the create
 * standing, and the indexes find it by the version)
 * Returns {1, count after} or {0, count}.
 */
export const CREATE_SUBSCRIPTION = new LuaCommand('create-subscription');

/**
 * Removes a subscription and its delivery log and moves the subscriptions' version on, in one
 * atomic step, and publishes the id on the change channel (refused by an ACL without the channel:
 * the delete stands).
 *
 * KEYS: 1 subscriptions hash, 2 the subscription's delivery log, 3 subscriptions version
 * ARGV: 1 subscription id, 2 the channel told of the change
 * Returns 1.
 */
export const REMOVE_SUBSCRIPTION = new LuaCommand('remove-subscription');

/**
 * Appends one delivery attempt to a subscription's log, keeping the newest ones only, and only
 * while the subscription exists: an attempt that ends after its subscription was deleted does not
 * bring the deleted log back.
 *
 * KEYS: 1 subscriptions hash, 2 the subscription's delivery log
 * ARGV: 1 subscription id, 2 attempt JSON, 3 attempts kept
 * Returns 1 when recorded, 0 when the subscription is gone.
 */
export const RECORD_DELIVERY_ATTEMPT = new LuaCommand('record-delivery-attempt');
