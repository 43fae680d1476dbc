package app

import (
	"context"
	"errors"
	"net/http"
	"net/http/pprof"
	"time"
)

// pprofRunner serves Go's profiler on CURBSIDE_PPROF_ADDR, apart from the
// site, so an operator can see where the time goes on a live instance.
func (a *App) pprofRunner() Runner {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return Runner{Name: "pprof", Run: func(ctx context.Context) error {
		srv := &http.Server{Addr: a.Config.PprofAddr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() {
			<-ctx.Done()
			_ = srv.Close()
		}()
		if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}}
}
