import type { Platform, Profile } from './_profile.js'
import { akeneo } from './akeneo.js'
import { magento } from './magento.js'
import { odoo } from './odoo.js'
import { prestashop } from './prestashop.js'
import { shopify } from './shopify.js'
import { woocommerce } from './woocommerce.js'

export type { Platform, Profile, ProfileHeader, ProfileOptions } from './_profile.js'

/** A file no platform claims: the shared aliases and the caller's mapping alone. */
export const generic: Profile = { platform: 'generic', detect: () => true, rules: () => ({}) }

/** The profiles, tried in this order; the first whose `detect` holds reads the file. */
export const PROFILES: readonly Profile[] = [
  shopify,
  magento,
  woocommerce,
  akeneo,
  prestashop,
  odoo,
  generic,
]

/** Every platform a file can be read as, in detection order (`generic` last). */
export const PLATFORMS: readonly Platform[] = PROFILES.map((profile) => profile.platform)
