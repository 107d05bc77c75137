# The API: `trove serve --role api` behind the load balancer. Takes uploads and searches, never
# runs jobs. CPU only while serving requests; instances scale on concurrent requests.
resource "google_cloud_run_v2_service" "api" {
  name     = "trove-api"
  location = var.region
  # Only the load balancer reaches it.
  ingress = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"

  template {
    service_account                  = google_service_account.api.email
    timeout                          = "3600s" # event streams and large uploads
    max_instance_request_concurrency = var.api_concurrency
    # Resumable (tus) uploads keep their bytes on the instance that received them until complete.
    session_affinity = true

    scaling {
      min_instance_count = var.api_min_instances
      max_instance_count = var.api_max_instances
    }

    vpc_access {
      network_interfaces {
        network    = google_compute_network.trove.id
        subnetwork = google_compute_subnetwork.run.id
      }
      egress = "PRIVATE_RANGES_ONLY"
    }

    volumes {
      name = "cloudsql"
      cloud_sql_instance {
        instances = [google_sql_database_instance.trove.connection_name]
      }
    }

    volumes {
      name = "run-monitoring"
      secret {
        secret = google_secret_manager_secret.run_monitoring.secret_id
        items {
          version = "latest"
          path    = "config.yaml"
        }
      }
    }

    dynamic "volumes" {
      for_each = google_secret_manager_secret.price_table
      content {
        name = "prices"
        secret {
          secret = volumes.value.secret_id
          items {
            version = "latest"
            path    = "prices.json"
          }
        }
      }
    }

    containers {
      name    = "trove"
      image   = var.image
      command = ["node"]
      args    = ["bin/trove.js", "serve", "--role", "api"]

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = var.api_cpu
          memory = var.api_memory
        }
        cpu_idle          = true
        startup_cpu_boost = true
      }

      volume_mounts {
        name       = "cloudsql"
        mount_path = "/cloudsql"
      }

      dynamic "volume_mounts" {
        for_each = google_secret_manager_secret.price_table
        content {
          name       = "prices"
          mount_path = dirname(local.price_table_path)
        }
      }

      startup_probe {
        http_get {
          path = "/api/v1/health"
        }
        period_seconds    = 5
        timeout_seconds   = 3
        failure_threshold = 24
      }

      # Secrets (Secret Manager; this account may read exactly these).
      env {
        name = "DATABASE_URL"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.secret["database_url"].secret_id
            version = "latest"
          }
        }
      }
      env {
        name = "REDIS_URL"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.secret["redis_url"].secret_id
            version = "latest"
          }
        }
      }
      env {
        name = "TROVE_TOKEN"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.secret["trove_token"].secret_id
            version = "latest"
          }
        }
      }
      env {
        name = "TROVE_LINK_SIGNING_KEY"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.secret["link_signing_key"].secret_id
            version = "latest"
          }
        }
      }
      env {
        name = "OPENAI_API_KEY"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.secret["openai_api_key"].secret_id
            version = "latest"
          }
        }
      }

      # Storage: no key file; links are signed through IAM signBlob as this service's account.
      env {
        name  = "GCS_BUCKET"
        value = google_storage_bucket.files.name
      }

      # Sign-in.
      env {
        name  = "FIREBASE_PROJECT_ID"
        value = local.firebase_project
      }
      env {
        name  = "FIREBASE_WEB_API_KEY"
        value = var.firebase_web_api_key
      }
      dynamic "env" {
        for_each = var.firebase_auth_domain == "" ? [] : [var.firebase_auth_domain]
        content {
          name  = "FIREBASE_AUTH_DOMAIN"
          value = env.value
        }
      }
      dynamic "env" {
        for_each = var.google_oauth_desktop_client_id == "" ? [] : [var.google_oauth_desktop_client_id]
        content {
          name  = "GOOGLE_OAUTH_DESKTOP_CLIENT_ID"
          value = env.value
        }
      }
      dynamic "env" {
        for_each = var.google_oauth_desktop_client_secret == "" ? [] : [var.google_oauth_desktop_client_secret]
        content {
          name  = "GOOGLE_OAUTH_DESKTOP_CLIENT_SECRET"
          value = env.value
        }
      }
      # No TROVE_PUBLIC_HOSTS: only the load balancer reaches this service (ingress), and Cloud Run's
      # health probes arrive with a Host header of their own, which a pinned list would refuse.

      # Search embeds queries with the same model the workers embed files with.
      env {
        name  = "OPENAI_EMBEDDING_MODEL"
        value = var.openai_embedding_model
      }
      env {
        name  = "OPENAI_EMBEDDING_DIMENSIONS"
        value = tostring(var.openai_embedding_dimensions)
      }

      # Limits and budgets (usage and budgets are shown and changed through the API).
      env {
        name  = "MAX_FILE_SIZE"
        value = var.max_file_size
      }
      env {
        name  = "TROVE_UPLOADS_PER_DAY"
        value = tostring(var.uploads_per_day)
      }
      env {
        name  = "TROVE_REQUESTS_PER_MINUTE"
        value = tostring(var.requests_per_minute)
      }
      env {
        name  = "TROVE_USER_DAILY_BUDGET_USD"
        value = var.user_daily_budget_usd
      }
      env {
        name  = "TROVE_USER_MONTHLY_BUDGET_USD"
        value = var.user_monthly_budget_usd
      }
      dynamic "env" {
        for_each = google_secret_manager_secret.price_table
        content {
          name  = "TROVE_PRICE_TABLE"
          value = local.price_table_path
        }
      }

      # Operations.
      env {
        name  = "TROVE_METRICS_PORT"
        value = tostring(var.metrics_port)
      }
      # Cloud Run allows 10 s between SIGTERM and SIGKILL.
      env {
        name  = "TROVE_SHUTDOWN_GRACE_MS"
        value = "8000"
      }
    }

    containers {
      name       = "prometheus"
      image      = var.prometheus_sidecar_image
      depends_on = ["trove"]
      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        cpu_idle = true
      }
      volume_mounts {
        name       = "run-monitoring"
        mount_path = "/etc/rungmp"
      }
    }
  }

  depends_on = [
    google_project_service.apis,
    google_secret_manager_secret_version.secret,
    google_secret_manager_secret_iam_member.reader,
    google_secret_manager_secret_iam_member.run_monitoring_reader,
    google_project_iam_member.sql_client,
    google_service_account_iam_member.api_signs_as_itself,
  ]
}

# Anyone may reach the API through the load balancer; users are authenticated by their Firebase ID token.
resource "google_cloud_run_v2_service_iam_member" "api_public" {
  name     = google_cloud_run_v2_service.api.name
  location = var.region
  role     = "roles/run.invoker"
  member   = "allUsers"
}
