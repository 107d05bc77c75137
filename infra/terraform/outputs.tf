output "load_balancer_ip" {
  description = "Point the DNS A record of var.domain here; the certificate is issued once it resolves."
  value       = google_compute_global_address.api.address
}

output "api_url" {
  value = "https://${var.domain}"
}

output "bucket" {
  value = google_storage_bucket.files.name
}

output "database_instance" {
  value = google_sql_database_instance.trove.connection_name
}

output "api_service_account" {
  value = google_service_account.api.email
}

output "worker_service_account" {
  value = google_service_account.worker.email
}

output "metrics_token_secret" {
  description = "Secret holding TROVE_TOKEN, the bearer for /api/v1/metrics."
  value       = google_secret_manager_secret.secret["trove_token"].secret_id
}
