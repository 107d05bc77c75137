# A private network: Cloud SQL and Memorystore have private addresses only, reached from Cloud Run
# through Direct VPC egress. Public traffic (Gemini, OpenAI) leaves directly.
resource "google_compute_network" "trove" {
  name                    = "trove"
  auto_create_subnetworks = false
  depends_on              = [google_project_service.apis]
}

resource "google_compute_subnetwork" "run" {
  name                     = "trove-run"
  region                   = var.region
  network                  = google_compute_network.trove.id
  ip_cidr_range            = "10.8.0.0/20"
  private_ip_google_access = true
}

# Private services access: the range Cloud SQL and Memorystore take their addresses from.
resource "google_compute_global_address" "private_services" {
  name          = "trove-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 16
  network       = google_compute_network.trove.id
}

resource "google_service_networking_connection" "private_services" {
  network                 = google_compute_network.trove.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services.name]
}
