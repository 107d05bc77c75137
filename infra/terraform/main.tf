locals {
  firebase_project = coalesce(var.firebase_project_id, var.project_id)
  bucket           = coalesce(var.bucket_name, "${var.project_id}-trove-files")
  # What every server process opens on Postgres: its pool (10) plus one LISTEN connection when
  # events go through Postgres. Migrations and maintenance get the reserve.
  connections_per_instance = 11
  reserved_connections     = 10
  # Mounted into both services when a price table is given.
  price_table_path = "/etc/trove/prices/prices.json"
}

resource "google_project_service" "apis" {
  for_each = toset([
    "run.googleapis.com",
    "sqladmin.googleapis.com",
    "redis.googleapis.com",
    "secretmanager.googleapis.com",
    "iamcredentials.googleapis.com", # signBlob: V4 download links without key files
    "compute.googleapis.com",
    "servicenetworking.googleapis.com",
    "monitoring.googleapis.com",
    "storage.googleapis.com",
  ])
  service            = each.value
  disable_on_destroy = false
}
