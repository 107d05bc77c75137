# One service account per service, each with only what its role needs:
#  - both read and write objects in the one bucket, connect to Cloud SQL, read their own secrets,
#    and write the metrics their Prometheus sidecar collects;
#  - only the API signs download links, so only the API may call signBlob as itself.
resource "google_service_account" "api" {
  account_id   = "trove-api"
  display_name = "Trove API (Cloud Run)"
}

resource "google_service_account" "worker" {
  account_id   = "trove-worker"
  display_name = "Trove workers (Cloud Run)"
}

locals {
  service_accounts = {
    api    = google_service_account.api
    worker = google_service_account.worker
  }
}

# Cloud Run's built-in Cloud SQL connection (the /cloudsql socket) needs this; it cannot be granted per instance.
resource "google_project_iam_member" "sql_client" {
  for_each = local.service_accounts
  project  = var.project_id
  role     = "roles/cloudsql.client"
  member   = "serviceAccount:${each.value.email}"
}

# The Managed Service for Prometheus sidecar writes this instance's metrics.
resource "google_project_iam_member" "metric_writer" {
  for_each = local.service_accounts
  project  = var.project_id
  role     = "roles/monitoring.metricWriter"
  member   = "serviceAccount:${each.value.email}"
}

# Objects only (create, read, delete, list), on this bucket only; no bucket or IAM administration.
resource "google_storage_bucket_iam_member" "objects" {
  for_each = local.service_accounts
  bucket   = google_storage_bucket.files.name
  role     = "roles/storage.objectUser"
  member   = "serviceAccount:${each.value.email}"
}

# V4 signed links without a key file: the API signs through IAM signBlob as its own account.
resource "google_service_account_iam_member" "api_signs_as_itself" {
  service_account_id = google_service_account.api.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.api.email}"
}
