# PostgreSQL 15 with pgvector (Cloud SQL ships it; the first migration runs CREATE EXTENSION vector,
# which the built-in user below may do). Private address only; the services connect through Cloud
# Run's Cloud SQL socket, which encrypts the connection and checks their IAM role.
resource "google_sql_database_instance" "trove" {
  name                = "trove-pg"
  database_version    = "POSTGRES_15"
  region              = var.region
  deletion_protection = true

  settings {
    tier              = var.db_tier
    edition           = "ENTERPRISE"
    availability_type = var.db_high_availability ? "REGIONAL" : "ZONAL"
    disk_type         = "PD_SSD"
    disk_size         = var.db_disk_gb
    disk_autoresize   = true

    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.trove.id
    }

    # Each API and worker instance holds up to 11 connections (pool of 10 + LISTEN); see the precondition below.
    database_flags {
      name  = "max_connections"
      value = tostring(var.db_max_connections)
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = "02:00"
    }

    insights_config {
      query_insights_enabled = true
    }

    maintenance_window {
      day  = 7
      hour = 3
    }
  }

  lifecycle {
    precondition {
      condition     = (var.api_max_instances + var.worker_max_instances) * local.connections_per_instance + local.reserved_connections <= var.db_max_connections
      error_message = "db_max_connections is too small: (api_max_instances + worker_max_instances) × 11 + 10 connections may be opened at full scale."
    }
  }

  depends_on = [google_service_networking_connection.private_services]
}

resource "google_sql_database" "trove" {
  name     = "trove"
  instance = google_sql_database_instance.trove.name
}

resource "google_sql_user" "trove" {
  name     = "trove"
  instance = google_sql_database_instance.trove.name
  password = random_password.db.result
}
