# Live events, per-user rate limits and the search cache, shared by every instance. AUTH on; no TLS
# (the server's Redis client would need the instance's CA), which keeps traffic inside the VPC.
resource "google_redis_instance" "trove" {
  name                    = "trove-cache"
  region                  = var.region
  tier                    = "STANDARD_HA"
  memory_size_gb          = var.redis_memory_gb
  redis_version           = "REDIS_7_0"
  authorized_network      = google_compute_network.trove.id
  connect_mode            = "PRIVATE_SERVICE_ACCESS"
  auth_enabled            = true
  transit_encryption_mode = "DISABLED"
  depends_on              = [google_service_networking_connection.private_services]
}
