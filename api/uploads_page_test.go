package api

// The upload page's sample for TestEveryPageRenders (web_render_test.go).
func init() {
	pageSamples["upload"] = func() any {
		return UploadPage{Endpoint: "/api/v1/uploads", ChunkBytes: UploadChunkBytes, MaxBytes: 8 << 30, Parallel: 3, UserID: 7, ExpireMS: 86_400_000}
	}
}
