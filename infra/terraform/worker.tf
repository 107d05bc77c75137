# The workers: `trove serve --role worker`. They poll the queue, so CPU is always allocated and at
# least one instance always runs; Cloud Run adds instances on CPU load. Their listener on $PORT
# answers only /api/v1/health (for Cloud Run) and /api/v1/metrics; nothing outside reaches it.
resource "google_cloud_run_v2_service" "worker" {
  name     = "trove-worker"
  location = var.region
  ingress  = "INGRESS_TRAFFIC_INTERNAL_ONLY"

  template {
    service_account = google_service_account.worker.email
    # Only health checks arrive over HTTP; the work comes from the queue.
    max_instance_request_concurrency = 10

    scaling {
      min_instance_count = var.worker_min_instances
      max_instance_count = var.worker_max_instances
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
      args    = ["bin/trove.js", "serve", "--role", "worker"]

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = var.worker_cpu
          memory = var.worker_memory
        }
        cpu_idle          = false # CPU always allocated: jobs run between requests
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
        name = "GEMINI_API_KEY"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.secret["gemini_api_key"].secret_id
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

      env {
        name  = "GCS_BUCKET"
        value = google_storage_bucket.files.name
      }

      # Understanding: Gemini describes, OpenAI embeds (the same model the API embeds queries with).
      env {
        name  = "GEMINI_MODEL"
        value = var.gemini_model
      }
      env {
        name  = "GEMINI_WHOLE_VIDEO_MAX_SIZE"
        value = var.gemini_whole_video_max_size
      }
      env {
        name  = "TROVE_PROMPT_TEXT_MAX_TOKENS"
        value = tostring(var.prompt_text_max_tokens)
      }
      env {
        name  = "ENABLE_CONTENT_MODERATION"
        value = "true"
      }
      env {
        name  = "OPENAI_EMBEDDING_MODEL"
        value = var.openai_embedding_model
      }
      env {
        name  = "OPENAI_EMBEDDING_DIMENSIONS"
        value = tostring(var.openai_embedding_dimensions)
      }

      # Budgets are enforced here, before a paid model is called.
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

      # Jobs.
      env {
        name  = "TROVE_CONCURRENCY"
        value = tostring(var.worker_jobs_per_instance)
      }
      env {
        name  = "PROCESSING_TIMEOUT"
        value = tostring(var.processing_timeout_s)
      }

      # Operations.
      env {
        name  = "TROVE_METRICS_PORT"
        value = tostring(var.metrics_port)
      }
      # Cloud Run allows 10 s between SIGTERM and SIGKILL; unfinished jobs go back to the queue.
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
        cpu_idle = false
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
  ]
}
