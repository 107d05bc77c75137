# Trove on Google Cloud: Cloud Run (API + workers), Cloud SQL for PostgreSQL 15 with pgvector,
# Cloud Storage, Memorystore for Redis, Secret Manager, an HTTPS load balancer, and the alert
# policies of ../monitoring/alerts.yml. See docs/DEPLOY.md for the order of a first deployment.
terraform {
  required_version = ">= 1.5"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
