// Shared services for the whole run live here (the PostgreSQL server, once its adapter exists).
export default function setup() {}
