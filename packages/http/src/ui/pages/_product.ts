/** A product as the API returns it. */
export interface ProductJson {
  id: string
  sku: string
  name: string
  description: string
  price: string | null
  quantity: number
  active: boolean
  created_at: string
  updated_at: string
}

/** A page of products as the API returns it. */
export interface ProductPageJson {
  items: ProductJson[]
  total: number
  page: number
  page_size: number
  pages: number
  /** When the server read the page: bounds a bulk change to the products it counted. */
  as_of: string
}
