package polardb

import "strings"

// centralEndpoint serves the regions listed in centralRegions; every other
// region has its own regional endpoint.
const centralEndpoint = "polardb.aliyuncs.com"

// centralRegions is the generated SDK's endpoint map for PolarDB 2017-08-01:
// these regions are served by the central endpoint.
var centralRegions = map[string]bool{
	"cn-qingdao":           true,
	"cn-beijing":           true,
	"cn-wulanchabu":        true,
	"cn-hangzhou":          true,
	"cn-shanghai":          true,
	"cn-heyuan":            true,
	"cn-hangzhou-finance":  true,
	"cn-beijing-finance-1": true,
	"cn-beijing-gov-1":     true,
	"cn-edge-1":            true,
	"cn-fujian":            true,
	"cn-wuhan":             true,
	"cn-zhangbei":          true,
	"eu-west-1-oxs":        true,
	"rus-west-1-pop":       true,
}

// ResolveEndpoint returns the API host for a region, or the explicit
// endpoint when one is given. It never looks anything up on the network.
func ResolveEndpoint(region, endpoint string) string {
	if endpoint != "" {
		return endpoint
	}
	region = strings.ToLower(region)
	if centralRegions[region] {
		return centralEndpoint
	}
	return "polardb." + region + ".aliyuncs.com"
}
