-- wrk script: GET /api/v1/profile with the bearer token from $TOKEN.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.path = "/api/v1/profile"
