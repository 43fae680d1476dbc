package web

// StaticCompressions reports how many times s has gzipped a static asset, so
// tests can check that serving one never compresses it again.
func StaticCompressions(s *Server) int64 { return s.static.compressions.Load() }
