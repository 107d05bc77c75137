variable "project_id" {
  description = "Google Cloud project that holds every resource."
  type        = string
}

variable "region" {
  description = "Region of Cloud Run, Cloud SQL, Memorystore and the bucket."
  type        = string
  default     = "europe-west1"
}

variable "image" {
  description = "The server image built from the repository's Dockerfile, e.g. europe-west1-docker.pkg.dev/PROJECT/trove/server:1.0.0."
  type        = string
}

variable "domain" {
  description = "Public host name of the API and web UI (the load balancer's managed certificate)."
  type        = string
}

variable "firebase_project_id" {
  description = "Firebase project whose users sign in; defaults to project_id."
  type        = string
  default     = null
}

variable "firebase_web_api_key" {
  description = "The Firebase project's Web API key (public: the sign-in page sends it to Firebase)."
  type        = string
}

variable "firebase_auth_domain" {
  description = "Host of Firebase's sign-in helper pages (FIREBASE_AUTH_DOMAIN); empty = <project>.firebaseapp.com."
  type        = string
  default     = ""
}

variable "google_oauth_desktop_client_id" {
  description = "OAuth client (type Desktop app) the desktop app signs in with through the system browser; empty = none."
  type        = string
  default     = ""
}

variable "google_oauth_desktop_client_secret" {
  description = "That client's secret (Google treats desktop-app secrets as public)."
  type        = string
  default     = ""
}

variable "gemini_api_key" {
  description = "Gemini API key; stored in Secret Manager (and in this configuration's state: keep the state bucket private)."
  type        = string
  sensitive   = true
}

variable "openai_api_key" {
  description = "OpenAI API key for embeddings; stored like gemini_api_key."
  type        = string
  sensitive   = true
}

variable "gemini_model" {
  description = "Model that describes files (GEMINI_MODEL); it needs a price in the price table."
  type        = string
  default     = "gemini-2.5-flash"
}

variable "openai_embedding_model" {
  description = "Embedding model (OPENAI_EMBEDDING_MODEL). API and workers must use the same one."
  type        = string
  default     = "text-embedding-3-small"
}

variable "openai_embedding_dimensions" {
  description = "Embedding size (OPENAI_EMBEDDING_DIMENSIONS)."
  type        = number
  default     = 1536
}

variable "price_table_json" {
  description = "Optional JSON price table (TROVE_PRICE_TABLE) adding to or overriding the built-in prices; empty = built-in prices."
  type        = string
  default     = ""
}

variable "user_daily_budget_usd" {
  description = "AI spend per user per day in US dollars (TROVE_USER_DAILY_BUDGET_USD); past it files are described offline until budget is available. \"0\" keeps every file offline."
  type        = string
  default     = "0.50"
  validation {
    condition     = can(regex("^\\d+(\\.\\d+)?$", var.user_daily_budget_usd))
    error_message = "user_daily_budget_usd must be an amount such as 0.50."
  }
}

variable "user_monthly_budget_usd" {
  description = "AI spend per user per month in US dollars (TROVE_USER_MONTHLY_BUDGET_USD)."
  type        = string
  default     = "5.00"
  validation {
    condition     = can(regex("^\\d+(\\.\\d+)?$", var.user_monthly_budget_usd))
    error_message = "user_monthly_budget_usd must be an amount such as 5.00."
  }
}

variable "gemini_whole_video_max_size" {
  description = "Videos up to this size go to Gemini whole; longer ones as sampled frames plus the sound track (GEMINI_WHOLE_VIDEO_MAX_SIZE)."
  type        = string
  default     = "50MB"
}

variable "prompt_text_max_tokens" {
  description = "Document text or transcript sent with each prompt, in tokens (TROVE_PROMPT_TEXT_MAX_TOKENS)."
  type        = number
  default     = 8000
}

variable "max_file_size" {
  description = "Largest upload (MAX_FILE_SIZE)."
  type        = string
  default     = "100MB"
}

variable "processing_timeout_s" {
  description = "Seconds one file may take to process (PROCESSING_TIMEOUT)."
  type        = number
  default     = 300
}

variable "uploads_per_day" {
  description = "Uploads one user may start per day (TROVE_UPLOADS_PER_DAY)."
  type        = number
  default     = 100
}

variable "requests_per_minute" {
  description = "API requests per user per minute (TROVE_REQUESTS_PER_MINUTE)."
  type        = number
  default     = 600
}

variable "api_min_instances" {
  description = "API instances kept warm (0 lets the API scale to zero at the cost of cold starts)."
  type        = number
  default     = 1
}

variable "api_max_instances" {
  description = "Most API instances; each holds up to 11 database connections (see db_max_connections)."
  type        = number
  default     = 10
}

variable "api_concurrency" {
  description = "Requests one API instance serves at once. Event streams (SSE) hold one each for as long as a window is open."
  type        = number
  default     = 80
  validation {
    condition     = var.api_concurrency >= 1 && var.api_concurrency <= 1000
    error_message = "api_concurrency must be between 1 and 1000 (Cloud Run's limit)."
  }
}

variable "api_cpu" {
  description = "vCPUs per API instance."
  type        = string
  default     = "1"
}

variable "api_memory" {
  description = "Memory per API instance (the offline text model for files kept on the device takes ~250 MB)."
  type        = string
  default     = "2Gi"
}

variable "worker_min_instances" {
  description = "Worker instances always running: the queue is polled, not pushed, so at least one must run."
  type        = number
  default     = 1
  validation {
    condition     = var.worker_min_instances >= 1
    error_message = "worker_min_instances must be at least 1: nothing would take jobs off the queue."
  }
}

variable "worker_max_instances" {
  description = "Most worker instances (Cloud Run adds them on CPU load)."
  type        = number
  default     = 5
}

variable "worker_jobs_per_instance" {
  description = "Files one worker processes at once (TROVE_CONCURRENCY)."
  type        = number
  default     = 2
}

variable "worker_cpu" {
  description = "vCPUs per worker (ffmpeg, OCR and the offline models run here)."
  type        = string
  default     = "2"
}

variable "worker_memory" {
  description = "Memory per worker."
  type        = string
  default     = "4Gi"
}

variable "db_tier" {
  description = "Cloud SQL machine type."
  type        = string
  default     = "db-custom-2-8192"
}

variable "db_max_connections" {
  description = "Postgres max_connections; must cover 11 per API and worker instance at their maximum, plus 10 for maintenance."
  type        = number
  default     = 200
}

variable "db_disk_gb" {
  description = "Initial Cloud SQL disk size (grows automatically)."
  type        = number
  default     = 20
}

variable "db_high_availability" {
  description = "A standby in a second zone (REGIONAL)."
  type        = bool
  default     = true
}

variable "redis_memory_gb" {
  description = "Memorystore size (live events, rate limits and the search cache)."
  type        = number
  default     = 1
}

variable "bucket_name" {
  description = "Bucket for originals, thumbnails and previews; defaults to <project>-trove-files."
  type        = string
  default     = null
}

variable "purged_object_retention_days" {
  description = "Days a purged file's bytes stay recoverable (as a noncurrent object version) before the bucket deletes them."
  type        = number
  default     = 7
}

variable "metrics_port" {
  description = "Loopback port where each instance serves /metrics to its Prometheus sidecar (TROVE_METRICS_PORT)."
  type        = number
  default     = 9464
}

variable "prometheus_sidecar_image" {
  description = "Google Cloud Managed Service for Prometheus sidecar for Cloud Run."
  type        = string
  default     = "us-docker.pkg.dev/cloud-ops-agents-artifacts/cloud-run-gmp-sidecar/cloud-run-gmp-sidecar:1.1.1"
}

variable "alert_notification_channels" {
  description = "Cloud Monitoring notification channel ids (e.g. projects/P/notificationChannels/123) the alerts go to."
  type        = list(string)
  default     = []
}
