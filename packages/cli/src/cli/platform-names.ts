import type { Platform } from '@product-importer/core'

/** How the CLI names each platform in its output. */
export const PLATFORM_NAMES: Record<Platform, string> = {
  shopify: 'Shopify',
  woocommerce: 'WooCommerce',
  magento: 'Magento 2',
  prestashop: 'PrestaShop',
  odoo: 'Odoo',
  akeneo: 'Akeneo',
  generic: 'a generic CSV',
}
