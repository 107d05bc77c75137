# Every secret the services read, in Secret Manager; each service account may read only the ones
# its role uses (secret_readers). Generated secrets never leave Terraform's state and Secret Manager.
resource "random_password" "db" {
  length  = 32
  special = false
}

# The deployment's own token: Prometheus and operators read /api/v1/metrics with it.
resource "random_password" "trove_token" {
  length  = 48
  special = false
}

# Signs the API's own download links (they redirect to IAM-signed bucket links); every API instance needs the same one.
resource "random_password" "link_signing_key" {
  length  = 48
  special = false
}

locals {
  # Secret → what its value is. The database is reached through Cloud Run's Cloud SQL socket.
  secret_names = ["database_url", "redis_url", "trove_token", "link_signing_key", "gemini_api_key", "openai_api_key"]
  secret_data = {
    database_url     = "postgresql://trove:${random_password.db.result}@/trove?host=/cloudsql/${google_sql_database_instance.trove.connection_name}"
    redis_url        = "redis://:${google_redis_instance.trove.auth_string}@${google_redis_instance.trove.host}:${google_redis_instance.trove.port}"
    trove_token      = random_password.trove_token.result
    link_signing_key = random_password.link_signing_key.result
    gemini_api_key   = var.gemini_api_key
    openai_api_key   = var.openai_api_key
  }
  # Who may read which secret. The worker hands out no links; the API calls no analysis model.
  secret_readers = {
    api    = ["database_url", "redis_url", "trove_token", "link_signing_key", "openai_api_key"]
    worker = ["database_url", "redis_url", "trove_token", "gemini_api_key", "openai_api_key"]
  }
}

resource "google_secret_manager_secret" "secret" {
  for_each  = toset(local.secret_names)
  secret_id = "trove-${replace(each.key, "_", "-")}"
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "secret" {
  for_each    = toset(local.secret_names)
  secret      = google_secret_manager_secret.secret[each.key].id
  secret_data = local.secret_data[each.key]
}

resource "google_secret_manager_secret_iam_member" "reader" {
  for_each  = { for pair in flatten([for role, names in local.secret_readers : [for name in names : { role = role, name = name }]]) : "${pair.role}/${pair.name}" => pair }
  secret_id = google_secret_manager_secret.secret[each.value.name].id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${local.service_accounts[each.value.role].email}"
}

# An optional price table (TROVE_PRICE_TABLE), mounted as a file into both services.
resource "google_secret_manager_secret" "price_table" {
  count     = var.price_table_json == "" ? 0 : 1
  secret_id = "trove-price-table"
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "price_table" {
  count       = var.price_table_json == "" ? 0 : 1
  secret      = google_secret_manager_secret.price_table[0].id
  secret_data = var.price_table_json
}

resource "google_secret_manager_secret_iam_member" "price_table_reader" {
  for_each  = var.price_table_json == "" ? {} : local.service_accounts
  secret_id = google_secret_manager_secret.price_table[0].id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${each.value.email}"
}
