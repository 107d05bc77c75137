# A global external HTTPS load balancer in front of the API service: a Google-managed certificate
# for var.domain (point its DNS A record at the `load_balancer_ip` output), HTTP redirected to HTTPS.
resource "google_compute_region_network_endpoint_group" "api" {
  name                  = "trove-api"
  region                = var.region
  network_endpoint_type = "SERVERLESS"
  cloud_run {
    service = google_cloud_run_v2_service.api.name
  }
}

resource "google_compute_backend_service" "api" {
  name                  = "trove-api"
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  backend {
    group = google_compute_region_network_endpoint_group.api.id
  }
  log_config {
    enable      = true
    sample_rate = 1
  }
}

resource "google_compute_url_map" "api" {
  name            = "trove-api"
  default_service = google_compute_backend_service.api.id
}

resource "google_compute_managed_ssl_certificate" "api" {
  name = "trove-api"
  managed {
    domains = [var.domain]
  }
}

resource "google_compute_target_https_proxy" "api" {
  name             = "trove-api"
  url_map          = google_compute_url_map.api.id
  ssl_certificates = [google_compute_managed_ssl_certificate.api.id]
}

resource "google_compute_global_address" "api" {
  name       = "trove-api"
  depends_on = [google_project_service.apis]
}

resource "google_compute_global_forwarding_rule" "https" {
  name                  = "trove-api-https"
  target                = google_compute_target_https_proxy.api.id
  ip_address            = google_compute_global_address.api.id
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}

resource "google_compute_url_map" "http_redirect" {
  name = "trove-api-http"
  default_url_redirect {
    https_redirect = true
    strip_query    = false
  }
}

resource "google_compute_target_http_proxy" "http_redirect" {
  name    = "trove-api-http"
  url_map = google_compute_url_map.http_redirect.id
}

resource "google_compute_global_forwarding_rule" "http" {
  name                  = "trove-api-http"
  target                = google_compute_target_http_proxy.http_redirect.id
  ip_address            = google_compute_global_address.api.id
  port_range            = "80"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}
