package webui

// RoutePatterns lists the route table's patterns, for the role matrix test.
func (s *Server) RoutePatterns() []string {
	var out []string
	for _, rt := range s.routeTable() {
		out = append(out, rt.pattern)
	}
	return out
}
