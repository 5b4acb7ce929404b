//! Permission sets (权限集, `func_info`): which ones each action needs, checked before calling
//! WeChat so a missing grant is named instead of failing with 61007/48001.
